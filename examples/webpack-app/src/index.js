import { createUserAction } from "./actions.js";
import { userReport } from "./reports.js";

document.querySelector("#add")?.addEventListener("click", () => createUserAction("Ada"));
document.querySelector("#report")?.addEventListener("click", async () => {
  console.log(await userReport());
});
