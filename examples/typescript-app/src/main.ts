import { makeUser } from "./models/user.js";
import { remember } from "./services/cache.js";

const user = makeUser(1, "eu-west-1");
remember(`user:${user.id}`, user);
