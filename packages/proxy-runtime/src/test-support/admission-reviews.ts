import { readFileSync } from 'node:fs';

/** The recorded-shape AdmissionReviews in `webhook/fixtures/`. */
export type ReviewFixture =
  | 'v1-create-configmap'
  | 'v1beta1-update-configmap'
  | 'v1-delete-configmap'
  | 'v1-create-clusterrole'
  | 'v1beta1-create-namespace';

/** The raw bytes of a fixture review. */
export const reviewBytes = (name: ReviewFixture): Buffer =>
  readFileSync(new URL(`../webhook/fixtures/${name}.json`, import.meta.url));

/** A review as a JSON document, loosely typed so tests can edit it. */
export interface ReviewDocument {
  apiVersion: string;
  kind: string;
  request: { uid?: string; namespace?: string; resource?: unknown; [field: string]: unknown };
}

/** A fixture review as a JSON document, to edit before sending. */
export const reviewDoc = (name: ReviewFixture): ReviewDocument =>
  JSON.parse(reviewBytes(name).toString('utf8')) as ReviewDocument;
