// The error a container's configuration fails with before it is created (reason
// CreateContainerConfigError in the container status); messages are upstream's, word for word.

export class CreateContainerConfigError extends Error {
  readonly reason = 'CreateContainerConfigError';
  constructor(message: string) {
    super(message);
    this.name = 'CreateContainerConfigError';
  }
}
