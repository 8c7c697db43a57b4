import {
  type DatasetVerification,
  DatasetVerification as DatasetVerificationSchema,
  ErrorBody,
  type ProvenanceVerification,
  ProvenanceVerification as ProvenanceVerificationSchema,
} from '@synthwell/contracts';

/** A contract schema, as far as reading an answer needs one. */
interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/** A gateway that could not be asked, or did not answer with a verdict. */
export class GatewayRequestError extends Error {
  override readonly name = 'GatewayRequestError';
}

/** Asks a Synthwell gateway for its verdict, as `POST /v1/provenance/...` gives it. */
export class VerifyClient {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly apiKey: string,
  ) {
    this.baseUrl = apiRoot(baseUrl);
  }

  /** Sends the PNG as it is. */
  image(png: Uint8Array): Promise<ProvenanceVerification> {
    return this.post('/provenance/verify', 'image/png', png, ProvenanceVerificationSchema);
  }

  /** Sends the manifest and the export's SHA-256, never the data itself, so any size works and nothing leaks. */
  dataset(manifest: Record<string, unknown>, jsonlSha256: string): Promise<DatasetVerification> {
    const body = JSON.stringify({ manifest, jsonl_sha256: jsonlSha256 });
    return this.post('/provenance/datasets/verify', 'application/json', body, DatasetVerificationSchema);
  }

  private async post<T>(path: string, contentType: string, body: string | Uint8Array, schema: Schema<T>): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': contentType },
        body,
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new GatewayRequestError(`could not reach ${url}: ${cause}`);
    }
    const json: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const detail = ErrorBody.safeParse(json);
      const message = detail.success ? detail.data.error.message : response.statusText;
      throw new GatewayRequestError(`${url} answered ${response.status}: ${message}`);
    }
    const verdict = schema.safeParse(json);
    if (!verdict.success) throw new GatewayRequestError(`${url} did not answer with a verdict`);
    return verdict.data;
  }
}

/** The API root with `/v1`, as the SDK takes it (SYNTHWELL_BASE_URL); a bare origin gets `/v1` added. */
export function apiRoot(baseUrl: string): string {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path === '' ? '/v1' : path}`;
}
