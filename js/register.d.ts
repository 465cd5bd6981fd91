/** The preload's router: where this process sends its HTTPS calls. */
export interface MirraRouter {
  /** The proxy URL (with the session's credentials) in use, or null when calls go straight out. */
  readonly proxyUrl: string | null;
  /** Send later requests through `proxyUrl` (null: straight out); returns the previous URL. */
  route(proxyUrl: string | null): string | null;
  /** Trust the CA certificate in `file` in this process. */
  trust(file: string): void;
}
declare const router: MirraRouter;
export default router;
