import { monthlyReport } from '$lib/server/reports';

export async function load() {
  return { report: await monthlyReport() };
}
