/** The demo accounts `npm run db:seed` creates and the sign-in page lists. */
export const DEMO_PASSWORD = "herald-demo";

export const DEMO_ACCOUNTS = [
  { email: "thandi@herald.test", name: "Thandi Mokoena", role: "CUSTOMER" },
  { email: "foodbank@herald.test", name: "Tshwane Food Bank", role: "NGO" },
  { email: "mario@herald.test", name: "Mario Rossi", role: "BUSINESS", business: "Mario's Trattoria" },
  { email: "admin@herald.test", name: "Ada Admin", role: "ADMIN" },
] as const;
