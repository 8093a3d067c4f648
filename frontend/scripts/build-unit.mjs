// Transpile the app modules under unit test to CommonJS in OUT_DIR, with the
// project's TypeScript compiler: `node scripts/build-unit.mjs OUT_DIR`.
//
// Transpile only, file by file (ts.transpileModule): types are checked by
// `next build` and `npm run typecheck`, and skipping them here takes this
// step from about 10 s (`tsc -p` over the modules and the types they pull
// in, on this 2-core machine under load) to about 2 s.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** The modules the tests in unit/ load; none may import "server-only" or Next.js. */
const MODULES = [
  "app/lib/access-token.ts",
  "app/lib/api-errors.ts",
  "app/lib/config.ts",
  "app/lib/reauth-answer.ts",
  "app/lib/safe-next.ts",
  "app/lib/tokens.ts",
  "app/lib/webauthn.ts",
];

const FRONTEND = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = process.argv[2];
if (!outDir) throw new Error("usage: node scripts/build-unit.mjs OUT_DIR");

for (const module of MODULES) {
  const source = readFileSync(path.join(FRONTEND, module), "utf8");
  const { outputText, diagnostics = [] } = ts.transpileModule(source, {
    fileName: module,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  if (diagnostics.length) {
    console.error(ts.formatDiagnostics(diagnostics, ts.createCompilerHost({})));
    process.exit(1);
  }
  const target = path.join(outDir, module.replace(/\.ts$/, ".js"));
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, outputText);
}
// frontend/package.json says "type": "module"; these files are CommonJS.
writeFileSync(path.join(outDir, "package.json"), '{"type": "commonjs"}\n');
