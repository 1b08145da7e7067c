// Validates OpenAPI documents (3.0 or 3.1) against the specification's own JSON Schemas.
// Usage: node validate.mjs FILE...; prints each invalid document's errors and exits 1 when there is any.
import { readFile } from "node:fs/promises";
import { Validator } from "@seriousme/openapi-schema-validator";

let failures = 0;
for (const file of process.argv.slice(2)) {
  const validator = new Validator();
  const result = await validator.validate(JSON.parse(await readFile(file, "utf8")));
  if (!result.valid) {
    failures++;
    console.log(`${file} (OpenAPI ${validator.version}) is not valid:\n${JSON.stringify(result.errors, null, 1).slice(0, 4000)}`);
  }
}
process.exit(failures ? 1 : 0);
