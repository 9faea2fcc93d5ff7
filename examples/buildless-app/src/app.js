import { html, render } from "lit-lite";
import { settings } from "settings";
import { reportList } from "@app/views/reports.js";

export function start(root) {
  render(html`<h1>${settings.title}</h1>${reportList()}`, root);
}
