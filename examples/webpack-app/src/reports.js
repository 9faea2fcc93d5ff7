// A static import of the user API: this module now waits for the database connection.
import { listUsers } from "./UserApi.js";

export async function userReport() {
  const users = await listUsers();
  return `${users.rows.length} users`;
}
