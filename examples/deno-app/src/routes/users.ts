// A static import of the database: this route, the server and main.ts wait for it.
import { db } from "@/db.ts";

export async function listUsers() {
  return await db.query("select * from users");
}
