namespace IArms.Api.Infrastructure.OpenApi;

/// <summary>The route answers with an <c>ETag</c> header on success (the version a later <c>If-Match</c> names).</summary>
public sealed record AnswersETagMetadata;

/// <summary>The route refuses a request without <c>If-Match</c> (428) and one whose ETag is stale (412).</summary>
public sealed record RequiresIfMatchMetadata;

/// <summary>
/// The route reads a body that is not JSON (a file: NDJSON, CSV) itself, in one of <paramref name="ContentTypes"/>. It is
/// declared here, not with <c>Accepts</c>, whose metadata would have routing answer 415 before authentication.
/// </summary>
public sealed record TextBodyMetadata(string Description, params string[] ContentTypes);

/// <summary>
/// Markers a route sets once so that the contract states what its handler enforces: the document's operation filter
/// (<see cref="ContractOperations"/>) turns them into headers, parameters and problem responses.
/// </summary>
public static class ContractMetadataExtensions
{
    /// <summary>Success answers carry the resource's <c>ETag</c>.</summary>
    public static TBuilder AnswersETag<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AnswersETagMetadata());

    /// <summary>The route reads a non-JSON body of these media types (see <see cref="TextBodyMetadata"/>).</summary>
    public static TBuilder ReadsTextBody<TBuilder>(this TBuilder builder, string description, params string[] contentTypes)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new TextBodyMetadata(description, contentTypes));

    /// <summary><c>If-Match</c> is required: 428 without it, 412 when it no longer names the current version.</summary>
    public static TBuilder RequiresIfMatch<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiresIfMatchMetadata())
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}
