/**
 * DOMException (Web IDL § 3.14.1), as far as the abort machinery needs it: a name, a message and
 * the legacy code of the names that have one. An Error subclass, as it is in browsers and Node.
 */

const CODES: Record<string, number> = {
  IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
  NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11,
  SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15,
  TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21,
  QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
};

export class DOMException extends Error {
  private readonly _name: string;

  constructor(message: string = "", name: string = "Error") {
    super(String(message));
    this._name = String(name);
    Object.defineProperty(this, "_name", { enumerable: false });
  }

  get name(): string {
    return this._name;
  }

  get code(): number {
    return Object.prototype.hasOwnProperty.call(CODES, this._name) ? CODES[this._name] : 0;
  }

  get [Symbol.toStringTag](): string {
    return "DOMException";
  }
}
