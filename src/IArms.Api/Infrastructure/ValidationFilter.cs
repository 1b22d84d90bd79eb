using FluentValidation;

namespace IArms.Api.Infrastructure;

/// <summary>
/// Runs the FluentValidation validator of a request body before the handler, answering 400 with
/// the <c>errors</c> map keyed by camelCase field names. Attached per route with <see cref="ValidationExtensions.Validate{T}"/>.
/// </summary>
public sealed class ValidationFilter<T>(IValidator<T> validator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var argument = context.Arguments.OfType<T>().FirstOrDefault();
        if (argument is null)
        {
            return TypedResults.Problem(
                title: "A request body is required.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        var result = await validator.ValidateAsync(argument, context.HttpContext.RequestAborted);
        if (!result.IsValid)
        {
            return TypedResults.ValidationProblem(result.ToDictionary(), title: "The request is not valid.");
        }
        return await next(context);
    }
}

public static class ValidationExtensions
{
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder)
    {
        builder.AddEndpointFilter<ValidationFilter<T>>();
        builder.ProducesValidationProblem();
        return builder;
    }

    /// <summary>FluentValidation names nested members <c>OtherSerials[0].Value</c>; clients send camelCase.</summary>
    public static void UseCamelCasePropertyNames()
    {
        ValidatorOptions.Global.PropertyNameResolver = (_, member, expression) =>
        {
            var name = expression is null ? member?.Name : FluentValidation.Internal.PropertyChain.FromExpression(expression).ToString();
            return name is null ? null : CamelCasePath(name);
        };
        ValidatorOptions.Global.DefaultRuleLevelCascadeMode = CascadeMode.Stop;
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : CamelCase(member.Name);
    }

    internal static string CamelCasePath(string path) => string.Join('.', path.Split('.').Select(CamelCase));

    private static string CamelCase(string name) =>
        name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
