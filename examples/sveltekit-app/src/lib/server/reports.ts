import { db } from '$lib/server/db';

export async function monthlyReport() {
  return db.query('select * from sales');
}
