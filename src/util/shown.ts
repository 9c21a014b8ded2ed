/** A name for a message: long ones are cut, so the message stays readable. */
export function shown(name: string): string {
  return name.length > 60 ? `${name.slice(0, 60)}…` : name;
}
