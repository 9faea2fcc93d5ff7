import { listUsers } from "@/routes/users.ts";
import { health } from "@/routes/health.ts";

export async function handle(req: Request): Promise<Response> {
  const { pathname } = new URL(req.url);
  if (pathname === "/health") return health();
  return Response.json(await listUsers());
}
