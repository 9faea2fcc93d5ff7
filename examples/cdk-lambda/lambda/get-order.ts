import { config } from "../shared/config";

export const handler = async (event: { id: string }) => ({
  statusCode: 200,
  body: JSON.stringify({ table: config.table, id: event.id }),
});
