// Tests read JSON bodies whose shape each assertion states; let `response.json()` be loosely typed here.
declare global {
  interface Response {
    // biome-ignore lint/suspicious/noExplicitAny: test assertions describe the shape
    json(): Promise<any>;
  }
}

export {};
