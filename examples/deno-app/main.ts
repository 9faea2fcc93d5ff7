import { handle } from "@/server.ts";

Deno.serve({ port: 8000 }, handle);
