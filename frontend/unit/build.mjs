// Loads the app's modules as transpiled by scripts/test-unit.sh (scripts/build-unit.mjs).
import { createRequire } from "node:module";
import path from "node:path";

const BUILD = process.env.UNIT_BUILD_DIR;
if (!BUILD) throw new Error("Run the unit tests with `npm run test:unit` (it compiles the modules first).");
const require = createRequire(path.join(BUILD, "index.js"));

/** The compiled module, e.g. load("app/lib/safe-next"). */
export const load = (modulePath) => require(`./${modulePath}.js`);
