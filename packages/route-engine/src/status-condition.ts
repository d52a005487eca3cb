import { z } from 'zod';

/**
 * A status condition as Kubernetes' API conventions give it (`metav1.Condition`), shared by every
 * ControllerMesh resource the manager writes status for; each lists its condition types on its
 * `conditions` field.
 */
export const StatusConditionSchema = z.strictObject({
  type: z.string().describe('The condition; the conditions field names the types.'),
  status: z.enum(['True', 'False', 'Unknown']).describe('Whether the condition holds.'),
  reason: z.string().optional().describe('One CamelCase word a script can match on.'),
  message: z.string().optional().describe('What a person should know, and what to do.'),
  lastTransitionTime: z.string().optional().describe('When the status last changed (RFC 3339).'),
  observedGeneration: z
    .number()
    .int()
    .optional()
    .describe('The generation of the spec the condition is about.'),
});
