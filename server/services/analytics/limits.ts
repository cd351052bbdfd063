/** Range limits of the analytics (days, UTC), shared by inputs and services. */

/** Default range: the last 30 UTC days, today included. */
export const DEFAULT_RANGE_DAYS = 30;
/** Longest range (days, both ends included): a leap year. */
export const MAX_RANGE_DAYS = 366;
