namespace IArms.Core.Tracing;

/// <summary>The document under which a transfer took place.</summary>
/// <param name="Kind">Licence, permit or certificate.</param>
/// <param name="Reference">The document number.</param>
public sealed record Authorization(AuthorizationKind Kind, string Reference);
