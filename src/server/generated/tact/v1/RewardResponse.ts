// Original file: proto/tact/v1/tact.proto


// Original file: proto/tact/v1/tact.proto

export const _tact_v1_RewardResponse_Status = {
  STATUS_UNSPECIFIED: 'STATUS_UNSPECIFIED',
  /**
   * Joined to its decision and learned.
   */
  JOINED: 'JOINED',
  /**
   * The same event_id was seen before; counted once.
   */
  DUPLICATE: 'DUPLICATE',
  /**
   * The decision's attribution window has closed; not learned.
   */
  EXPIRED: 'EXPIRED',
  /**
   * Joined, but the policy combines rewards with "first" and this
   * decision already had one; not learned again.
   */
  IGNORED: 'IGNORED',
} as const;

export type _tact_v1_RewardResponse_Status =
  | 'STATUS_UNSPECIFIED'
  | 0
  /**
   * Joined to its decision and learned.
   */
  | 'JOINED'
  | 1
  /**
   * The same event_id was seen before; counted once.
   */
  | 'DUPLICATE'
  | 2
  /**
   * The decision's attribution window has closed; not learned.
   */
  | 'EXPIRED'
  | 3
  /**
   * Joined, but the policy combines rewards with "first" and this
   * decision already had one; not learned again.
   */
  | 'IGNORED'
  | 4

export type _tact_v1_RewardResponse_Status__Output = typeof _tact_v1_RewardResponse_Status[keyof typeof _tact_v1_RewardResponse_Status]

export interface RewardResponse {
  'status'?: (_tact_v1_RewardResponse_Status);
}

export interface RewardResponse__Output {
  'status': (_tact_v1_RewardResponse_Status__Output);
}
