import { config } from "../shared/config";

export const handler = async () => ({
  statusCode: 200,
  body: JSON.stringify({ table: config.table, items: [] }),
});
