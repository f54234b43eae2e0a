// tests/browser/openapi.test.mjs - the server's OpenAPI document validates under an
// independent OpenAPI 3.0 validator, and every path in it answers (SPADOK_URL: a running server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';

const base = process.env.SPADOK_URL;

test('OpenAPI document validates', async () => {
  const doc = await (await fetch(`${base}/api`)).json();
  const api = await SwaggerParser.validate(doc);
  assert.match(api.openapi, /^3\.0/);
});

test('every public GET path in the OpenAPI document answers 200', async () => {
  const doc = await (await fetch(`${base}/api`)).json();
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!item.get || item.get.security) continue; // writes and staff-only reads: tests/integration/test_auth.sh
    if (path.includes('{ref}')) { // a citizen's report by its number: test_privacy.sh sends one
      const res = await fetch(base + path.replace('{ref}', '2000-00000000'));
      assert.equal(res.status, 404, `${path} of an unknown reference -> ${res.status}`);
      continue;
    }
    if (path.includes('{photoId}')) { // the sample has no photos: tests/integration/test_photos.sh
      const res = await fetch(base + path.replace('{photoId}', '999999').replace('{variant}', 'thumb'));
      assert.equal(res.status, 404, `${path} of an unknown photo -> ${res.status}`);
      continue;
    }
    const url = base + path.replace('{collectionId}', 'monuments').replace('{featureId}', '1')
      .replace('{layerJson}', 'monuments.json').replace('{layer}', 'monuments')
      .replace('{z}', '0').replace('{x}', '0').replace('{yPng}', '0.png');
    const res = await fetch(url);
    assert.equal(res.status, 200, `${path} -> ${res.status}`);
  }
});
