// Uploads a file to a tus server with the official tus-js-client, in chunks,
// and prints the upload URL. Usage: node tus_upload.mjs ENDPOINT FILE SHA256HEX
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { Upload } from "tus-js-client";

const [endpoint, file, sha256] = process.argv.slice(2);
const bytes = readFileSync(file);
const upload = new Upload(bytes, {
  endpoint,
  chunkSize: 64 * 1024,
  retryDelays: [0, 100, 500],
  metadata: { filename: basename(file), sha256 },
  uploadSize: bytes.length,
  onError(error) {
    console.error(`upload failed: ${error}`);
    process.exit(1);
  },
  onSuccess() {
    console.log(upload.url);
  },
});
upload.start();
