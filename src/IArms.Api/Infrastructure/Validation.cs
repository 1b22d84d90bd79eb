using System.Reflection;
using FluentValidation;
using Microsoft.AspNetCore.Http.Metadata;

namespace IArms.Api.Infrastructure;

public static class ValidationExtensions
{
    /// <summary>
    /// Validates, on every route of the group (nested groups included), each handler parameter that has a
    /// FluentValidation validator registered, before the handler runs: 400 with the <c>errors</c> map keyed by
    /// camelCase field names. Set once on the group, so that a new route cannot ship unvalidated; the routes with
    /// a validated parameter also declare their 400 response.
    /// </summary>
    public static TBuilder WithValidation<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<MethodInfo>().FirstOrDefault() is not { } handler)
            {
                return;
            }
            var validated = handler.GetParameters()
                .Select((parameter, index) => (Index: index, Validator: endpoint.ApplicationServices
                    .GetService(typeof(IValidator<>).MakeGenericType(parameter.ParameterType)) as IValidator))
                .Where(v => v.Validator is not null)
                .ToList();
            if (validated.Count == 0)
            {
                return;
            }
            endpoint.Metadata.Add(new ProducesResponseTypeMetadata(
                StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails), ["application/problem+json"]));
            endpoint.FilterFactories.Add((_, next) => async context =>
            {
                foreach (var (index, validator) in validated)
                {
                    if (context.Arguments[index] is not { } argument)
                    {
                        return TypedResults.Problem(title: "A request body is required.", statusCode: StatusCodes.Status400BadRequest);
                    }
                    var result = await validator!.ValidateAsync(
                        new ValidationContext<object>(argument), context.HttpContext.RequestAborted);
                    if (!result.IsValid)
                    {
                        return TypedResults.ValidationProblem(result.ToDictionary(), title: "The request is not valid.");
                    }
                }
                return await next(context);
            });
        });
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
