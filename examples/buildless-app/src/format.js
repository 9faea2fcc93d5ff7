// Reads the currency lazily: `import()` waits only where the value is used, so this module
// stays synchronous.
export function formatMoney(amount, currency = "EUR") {
  return new Intl.NumberFormat("en", { style: "currency", currency }).format(amount);
}

export async function formatInSettingsCurrency(amount) {
  const { settings } = await import("settings");
  return formatMoney(amount, settings.currency);
}
