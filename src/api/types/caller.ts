// GraphQL object type of the caller: who the token (or the open local install) is, so a client shows only the
// actions its role allows.
import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The caller: token subject and role (`local`, admin, on an open loopback install).' })
export class Caller {
  @Field(() => String)
  subject!: string;

  @Field(() => String, { description: 'viewer | operator | admin' })
  role!: string;
}
