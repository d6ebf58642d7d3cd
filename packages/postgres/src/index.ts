// Public API of @tributary/postgres: PostgreSQL adapters. Curated: add named exports only.
export {};
