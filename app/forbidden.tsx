import Link from "next/link";

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-md rounded-2xl border border-slate-200 bg-white p-8 text-center">
      <p className="text-sm font-semibold text-rose-700">403 · Forbidden</p>
      <h1 className="mt-2 text-xl font-semibold">Your account cannot open this page</h1>
      <p className="mt-2 text-sm text-slate-600">It is for another kind of account (a business, or Herald&apos;s admins). Sign in with that account to use it.</p>
      <Link href="/notifications" className="mt-5 inline-block text-sm font-medium text-brand-700 hover:underline">Back to your inbox</Link>
    </div>
  );
}
