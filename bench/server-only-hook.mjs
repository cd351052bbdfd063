// Node module hook for benches that render email: resolves the `server-only` marker package to an empty
// module, so server code loads without the react-server condition (under which react-dom/server, and so
// email rendering, refuses to run outside Next.js). Registered with `--import ./bench/server-only.mjs`.
export async function resolve(specifier, context, next) {
  if (specifier === "server-only") return { url: "data:text/javascript,export{}", shortCircuit: true };
  return next(specifier, context);
}
