import Link from "next/link";

export default function NotFound() {
  return (
    <div className="mx-auto max-w-md rounded-2xl border border-slate-200 bg-white p-8 text-center">
      <p className="text-sm font-semibold text-slate-500">404</p>
      <h1 className="mt-2 text-xl font-semibold">We could not find that page</h1>
      <Link href="/" className="mt-5 inline-block text-sm font-medium text-brand-700 hover:underline">Go home</Link>
    </div>
  );
}
