import { start } from "./src/server.ts";

start();
