/**
 * Demo data (issue: "realistic demo seed"): a dozen businesses with generated logos, ~50 customers and
 * NGOs, an admin, follows, past listings and their notifications. Idempotent: does nothing when the demo
 * admin exists. Every demo account's password is `herald-demo` (listed on the sign-in page).
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../server/generated/prisma/client";
import { createBusiness, createListing, createUser } from "./factory";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "./demo-accounts";
import { formatPrice } from "../lib/price";


const BUSINESSES: { name: string; address: string; description: string; color: string; rating: number }[] = [
  { name: "Mario's Trattoria", address: "123 Church Street, Pretoria", description: "Wood-fired pizza and fresh pasta; end-of-day trays.", color: "#C62828", rating: 4.6 },
  { name: "Bread & Butter Bakery", address: "45 Duncan Street, Hatfield", description: "Sourdough, croissants and surprise bags every evening.", color: "#8D6E63", rating: 4.8 },
  { name: "Green Basket Grocer", address: "9 Lynnwood Road, Menlo Park", description: "Fruit and veg that is a little too ripe to sell.", color: "#2E7D32", rating: 4.3 },
  { name: "Sushi Sakura", address: "210 Brooklyn Mall, Brooklyn", description: "Closing-time sushi platters.", color: "#AD1457", rating: 4.5 },
  { name: "Cape Curry House", address: "77 Esselen Street, Sunnyside", description: "Curries and rotis cooked fresh daily.", color: "#EF6C00", rating: 4.4 },
  { name: "Daily Grind Café", address: "3 Festival Street, Hatfield", description: "Muffins, wraps and cold brew.", color: "#4E342E", rating: 4.1 },
  { name: "Farm Fresh Dairy", address: "18 Garsfontein Road, Waterkloof", description: "Yoghurt and cheese near best-before.", color: "#1565C0", rating: 4.2 },
  { name: "Spice Route Deli", address: "56 Kingsley Centre, Arcadia", description: "Cured meats, salads and mezze boxes.", color: "#6A1B9A", rating: 4.0 },
  { name: "Veggie Patch Kitchen", address: "12 Queen Street, Pretoria Central", description: "Plant-based meals by the portion.", color: "#558B2F", rating: 4.7 },
  { name: "Sweet Tooth Patisserie", address: "88 Menlyn Drive, Menlyn", description: "Cakes, tarts and macarons.", color: "#D81B60", rating: 4.9 },
  { name: "Burger Barn", address: "5 Atterbury Road, Faerie Glen", description: "Burgers and fries, made to order.", color: "#F9A825", rating: 3.9 },
  { name: "Noodle Bar 88", address: "31 Pretorius Street, Arcadia", description: "Ramen and stir-fry, last orders discounted.", color: "#00838F", rating: 4.3 },
];

const FIRST = ["Aisha", "Ben", "Chloé", "Dumisani", "Elena", "Farai", "Gugu", "Hannes", "Imani", "Johan", "Kagiso", "Lerato", "Musa", "Naledi", "Oliver", "Palesa", "Quinn", "Refilwe", "Sipho", "Tumi", "Uma", "Vusi", "Wandile", "Xolani", "Yusuf", "Zanele", "Anele", "Bongani", "Carmen", "Dineo", "Emeka", "Fatima", "Gerrit", "Hlengiwe", "Isaac", "Jabu", "Karabo", "Lindiwe", "Mpho", "Nomsa"];
const LAST = ["Naidoo", "van der Merwe", "Dlamini", "Botha", "Khumalo", "Pillay", "Smith", "Mahlangu", "Nkosi", "Pretorius"];
const NGOS = ["Meals on Wheels Pretoria", "Hope Shelter", "Siyakhana Community Kitchen", "Little Hands Crèche", "Ubuntu Soup Run", "Street Store Tshwane", "Second Helping Trust", "Harvest of Hope"];
const ITEMS = ["Surprise bag", "Margherita pizza", "Sourdough loaf", "Veggie box", "Sushi platter", "Chicken curry", "Croissant trio", "Cheese selection", "Mezze box", "Buddha bowl"];

/** Deterministic pseudo-random numbers so every fresh install sees the same demo. */
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

/**
 * Seeds the demo. @returns false when it was already seeded.
 */
export async function seedDemo(db: PrismaClient): Promise<boolean> {
  if (await db.user.findUnique({ where: { email: "admin@herald.test" } })) return false;
  const rand = rng(42);
  const slug = (s: string) => s.toLowerCase().normalize("NFD").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

  const businesses = [];
  for (const b of BUSINESSES) {
    const demo = DEMO_ACCOUNTS.find((a) => "business" in a && a.business === b.name);
    const { business } = await createBusiness(db, {
      name: b.name, slug: slug(b.name), address: b.address, description: b.description, rating: b.rating, logoColor: b.color,
      ownerEmail: demo?.email ?? `owner@${slug(b.name)}.herald.test`, ownerName: demo?.name ?? `${b.name} Owner`,
    });
    businesses.push(business);
  }
  const people = [];
  for (const a of DEMO_ACCOUNTS) {
    if (a.role === "BUSINESS") continue;
    people.push(await createUser(db, { email: a.email, name: a.name, role: a.role, password: DEMO_PASSWORD }));
  }
  for (let i = 0; i < 40; i++) {
    const name = `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}`;
    people.push(await createUser(db, { name, email: `${slug(name).replace(/-/g, ".")}@herald.test`, role: "CUSTOMER" }));
  }
  for (const n of NGOS) people.push(await createUser(db, { name: n, email: `${slug(n)}@ngo.herald.test`, role: "NGO" }));

  const followers = people.filter((p) => p.role === "CUSTOMER" || p.role === "NGO");
  const now = Date.now();
  for (const person of followers) {
    const demoCustomer = person.email === "thandi@herald.test";
    for (const b of businesses) {
      // Thandi follows a few (not Mario's: the demo journey follows it); others follow about a third.
      const yes = demoCustomer ? ["bread-butter-bakery", "green-basket-grocer", "sushi-sakura"].includes(b.slug) : rand() < 0.33;
      if (yes) await db.follow.create({ data: { userId: person.id, businessId: b.id, createdAt: new Date(now - (5 + rand() * 60) * 86_400_000) } });
    }
  }
  // Past listings, each fanned out to its followers the way the real fan-out does (one INSERT … SELECT).
  for (const b of businesses) {
    for (let k = 0; k < 3; k++) {
      const createdAt = new Date(now - (k * 2 + rand() * 2 + 0.2) * 86_400_000);
      const listing = await createListing(db, b.id, {
        title: ITEMS[Math.floor(rand() * ITEMS.length)]!, priceCents: 2000 + Math.floor(rand() * 8) * 500, createdAt, hoursFromNow: -k * 48,
      });
      await db.$executeRaw`
        INSERT INTO notifications (user_id, type, category, priority, title, body, data, action_url, business_id, actor_id, dedupe_key, created_at, read_at)
        SELECT f.user_id, 'new_listing', 'listings', 'normal', ${`New at ${b.name}: ${listing.title}`},
               ${`${formatPrice(listing.priceCents, "ZAR")} · collect from ${b.address}`},
               ${JSON.stringify({ listing_id: listing.id, business_id: b.id, listing_name: listing.title })}::jsonb,
               ${`/listings/${listing.id}`}, ${b.id}::uuid, ${b.ownerId}::uuid, ${`listing:${listing.id}`}, ${createdAt},
               CASE WHEN random() < ${k === 0 ? 0.3 : 0.8} THEN ${createdAt}::timestamptz + interval '2 hours' END
        FROM follows f WHERE f.business_id = ${b.id}::uuid AND f.deleted_at IS NULL AND f.created_at < ${createdAt}
        ON CONFLICT (user_id, dedupe_key) DO NOTHING`;
    }
  }
  // A welcome note for everyone who can sign in.
  await db.$executeRaw`
    INSERT INTO notifications (user_id, type, category, priority, title, body, action_url, dedupe_key, created_at, read_at)
    SELECT id, 'system_announcement', 'announcements', 'normal', 'Welcome to Herald',
           'Follow businesses to hear about their food before it goes to waste.', '/businesses', 'welcome', created_at - interval '30 days', created_at
    FROM users ON CONFLICT DO NOTHING`;
  return true;
}

/** CLI: `npm run db:seed` (embedded database or DATABASE_URL). */
export async function seedDatabase(url: string): Promise<boolean> {
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  try {
    return await seedDemo(db);
  } finally {
    await db.$disconnect();
  }
}
