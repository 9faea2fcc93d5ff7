import { handle } from "./routes.js";

// tsup builds this service into CommonJS (its default format): dist/main.cjs loads
// metrics-client with require(), and metrics-client 2.0 has a top-level await.
console.log(handle("/health"));
