import { config } from "./config.ts";
import { describe } from "./routes.ts";

console.log(describe(config));
