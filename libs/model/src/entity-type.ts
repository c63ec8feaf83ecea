/** The five elements of the unified model (人、事、物、地、组织). */
export const ENTITY_TYPES = ['person', 'event', 'object', 'place', 'organization'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];
