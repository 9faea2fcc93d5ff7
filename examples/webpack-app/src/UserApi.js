import { query } from "./db-connection.js";

export async function createUser(name) {
  return query("insert into users(name) values ($1)", [name]);
}

export async function listUsers() {
  return query("select * from users");
}
