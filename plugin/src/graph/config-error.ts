/** The error of a malformed gocross setting (`gocross.json`, plugin options in nx.json), naming where it is. */
export class GocrossConfigError extends Error {
  override readonly name = 'GocrossConfigError';
}
