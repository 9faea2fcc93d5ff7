// Loads the user API only when an action runs: this module stays synchronous.
export async function createUserAction(name) {
  const { createUser } = await import("./UserApi.js");
  return createUser(name);
}
