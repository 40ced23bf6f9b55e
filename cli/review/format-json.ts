import type { EnvironmentReview } from './report';

/** The review as one JSON object (`{ environments: [...] }`) for pipelines; stable field names. */
export function formatJson(reviews: readonly EnvironmentReview[]): string {
  return `${JSON.stringify({ environments: reviews }, null, 2)}\n`;
}
