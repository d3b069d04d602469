/**
 * Schemas built on first use. Building a zod schema is not free (zod's classic
 * API creates every method of every schema object), and the extension's
 * bundle defines dozens at module level: building them when the bundle is
 * loaded costs activation time for schemas that may never be used in a session.
 *
 * No `vscode` import.
 */

/**
 * Returns a stand-in for the object `build()` returns, built the first time
 * the stand-in is used (any property read, `in`, key listing, prototype
 * query); every later use goes to that same object. Methods read from the
 * stand-in are the built object's own, so `schema.parse(x)`,
 * `schema.safeParse(x)`, `schema.shape`, `schema.extend(…)`,
 * `z.array(schema)` and `z.infer<typeof schema>` behave as with the built
 * schema itself. `build` runs at most once; if it throws, the error reaches
 * the first user and the next use calls `build` again.
 *
 * @param build creates the object (called lazily, at most once successfully)
 * @returns a stand-in typed as the built object
 */
export function lazySchema<T extends object>(build: () => T): T {
  let built: T | undefined;
  const real = (): T => (built ??= build());
  return new Proxy(Object.create(null) as T, {
    get: (_t, key) => Reflect.get(real(), key),
    set: (_t, key, value) => Reflect.set(real(), key, value),
    has: (_t, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_t, key) => {
      const d = Reflect.getOwnPropertyDescriptor(real(), key);
      // A proxy may not report a property as non-configurable that its (empty) target lacks.
      return d ? { ...d, configurable: true } : undefined;
    },
    defineProperty: (_t, key, desc) => Reflect.defineProperty(real(), key, desc),
    deleteProperty: (_t, key) => Reflect.deleteProperty(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}
