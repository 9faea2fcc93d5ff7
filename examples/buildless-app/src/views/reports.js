import { html } from "lit-lite";
import { formatMoney } from "@app/format.js";

export const reportList = () => html`<ul><li>${formatMoney(1200)}</li></ul>`;
