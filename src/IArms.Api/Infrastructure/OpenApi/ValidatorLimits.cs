using System.Collections.Concurrent;
using System.Globalization;
using FluentValidation;
using System.Reflection;
using FluentValidation.Validators;

namespace IArms.Api.Infrastructure.OpenApi;

/// <summary>What one validator enforces on one member, as the contract states it.</summary>
public sealed record MemberLimits(
    int? MinLength = null, int? MaxLength = null, string? Pattern = null, decimal? Minimum = null, decimal? Maximum = null,
    bool Required = false, bool ForEachItem = false);

/// <summary>
/// Reads the rules a FluentValidation validator enforces through its descriptor (lengths, patterns, ranges,
/// unconditional NotEmpty/NotNull), so that the numbers live only in the validators and the contract repeats them.
/// Rules written as <c>Must(...)</c> are opaque to the descriptor; their vocabularies come from <see cref="VocabularyAttribute"/>.
/// </summary>
public sealed class ValidatorLimits(IServiceProvider services)
{
    private readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, MemberLimits>> _byType = new();
    private readonly Lazy<Dictionary<Type, List<IValidator>>> _nested = new(() => Nested(services));

    /// <summary>The limits of <paramref name="member"/> of <paramref name="type"/>, item rules apart; empty when no validator.</summary>
    public (MemberLimits? Member, MemberLimits? Items) For(Type type, string member)
    {
        var all = _byType.GetOrAdd(type, Read);
        return (all.GetValueOrDefault(member), all.GetValueOrDefault(member + "[]"));
    }

    /// <summary>
    /// The longest a field of this camelCase name may be in any request (a name means one thing across the API): what an
    /// answer or a filter of the same name holds was validated under it. Null when no validator bounds such a field.
    /// </summary>
    public int? MaxLengthByName(IEnumerable<Type> types, string camelName)
    {
        var pascal = char.ToUpperInvariant(camelName[0]) + camelName[1..];
        return types.Select(t => For(t, pascal).Member?.MaxLength).Where(m => m is not null).Max();
    }

    /// <summary>The longest text any registered validator accepts: the bound of stored text the contract cannot name otherwise.</summary>
    public int LongestText(IEnumerable<Type> types) =>
        types.SelectMany(t => _byType.GetOrAdd(t, Read).Values).Select(l => l.MaxLength ?? 0).DefaultIfEmpty(0).Max();

    private IReadOnlyDictionary<string, MemberLimits> Read(Type type)
    {
        // Rule names follow the camelCase resolver (ValidationExtensions); members are looked up by their C# names.
        var result = new Dictionary<string, MemberLimits>(StringComparer.OrdinalIgnoreCase);
        // A validator of an interface the type implements is included by the type's own (Include(...)), which the
        // descriptor does not look into: read it for itself.
        foreach (var validated in type.GetInterfaces().Prepend(type))
        {
            if (services.GetService(typeof(IValidator<>).MakeGenericType(validated)) is IValidator validator)
            {
                ReadRules(validator, result);
            }
        }
        foreach (var child in _nested.Value.GetValueOrDefault(type) ?? [])
        {
            ReadRules(child, result);
        }
        // Rules written on a path (RuleFor(x => x.Authorization!.Reference)) bound the member of the nested type.
        foreach (var outer in _nested.Value.GetValueOrDefault(typeof(object)) ?? [])
        {
            ReadRules(outer, result, rule => rule.Member?.DeclaringType == type && rule.PropertyName?.Contains('.', StringComparison.Ordinal) == true
                ? rule.Member.Name : null);
        }
        return result;
    }

    /// <summary>
    /// The validators applied to nested objects (<c>SetValidator</c>, <c>ChildRules</c>), by the type they validate (and
    /// every validator under <c>object</c>, for rules written on a path): a nested type's schema states its rules too. The descriptor hides the child validator in a private field of its
    /// adaptor, read here by type.
    /// </summary>
    private static Dictionary<Type, List<IValidator>> Nested(IServiceProvider services)
    {
        var found = new Dictionary<Type, List<IValidator>>();
        var queue = new Queue<IValidator>(ContractDocument.ValidatedTypes()
            .Select(t => services.GetService(typeof(IValidator<>).MakeGenericType(t)) as IValidator).OfType<IValidator>());
        var seen = new HashSet<IValidator>(ReferenceEqualityComparer.Instance);
        while (queue.TryDequeue(out var validator))
        {
            if (!seen.Add(validator))
            {
                continue;
            }
            (found.TryGetValue(typeof(object), out var all) ? all : found[typeof(object)] = []).Add(validator);
            foreach (var component in validator.CreateDescriptor().Rules.SelectMany(r => r.Components))
            {
                if (component.Validator is not IChildValidatorAdaptor adaptor)
                {
                    continue;
                }
                var child = adaptor.GetType().GetFields(BindingFlags.NonPublic | BindingFlags.Instance)
                    .Select(f => f.GetValue(adaptor)).OfType<IValidator>().FirstOrDefault();
                var validated = child?.GetType().BaseType is { IsGenericType: true } b ? b.GetGenericArguments()[0] : null;
                if (child is not null && validated is not null)
                {
                    (found.TryGetValue(validated, out var list) ? list : found[validated] = []).Add(child);
                    queue.Enqueue(child);
                }
            }
        }
        return found;
    }

    private static void ReadRules(IValidator validator, Dictionary<string, MemberLimits> result, Func<IValidationRule, string?>? nameOf = null)
    {
        nameOf ??= rule => rule.PropertyName is { } own && !own.Contains('.', StringComparison.Ordinal) ? own : null;
        foreach (var rule in validator.CreateDescriptor().Rules)
        {
            if (nameOf(rule) is not { } name)
            {
                continue;
            }
            var forEach = rule.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollectionRule<,>));
            var key = forEach ? name + "[]" : name;
            var limits = result.GetValueOrDefault(key) ?? new MemberLimits(ForEachItem: forEach);
            foreach (var component in rule.Components)
            {
                var conditional = rule.HasCondition || rule.HasAsyncCondition || component.HasCondition || component.HasAsyncCondition;
                limits = component.Validator switch
                {
                    ILengthValidator length => limits with
                    {
                        MaxLength = length.Max > 0 ? Math.Min(limits.MaxLength ?? int.MaxValue, length.Max) : limits.MaxLength,
                        MinLength = length.Min > 0 ? length.Min : limits.MinLength,
                    },
                    IRegularExpressionValidator regex => limits with { Pattern = regex.Expression },
                    IBetweenValidator between => limits with { Minimum = Number(between.From), Maximum = Number(between.To) },
                    IComparisonValidator { ValueToCompare: { } value } comparison => comparison.Comparison switch
                    {
                        Comparison.GreaterThan => limits with { Minimum = Number(value) + 1 },
                        Comparison.GreaterThanOrEqual => limits with { Minimum = Number(value) },
                        Comparison.LessThan => limits with { Maximum = Number(value) - 1 },
                        Comparison.LessThanOrEqual => limits with { Maximum = Number(value) },
                        _ => limits,
                    },
                    INotEmptyValidator when !conditional => limits with { Required = true, MinLength = limits.MinLength ?? 1 },
                    INotNullValidator when !conditional => limits with { Required = true },
                    _ => limits,
                };
            }
            result[key] = limits;
        }
    }

    private static decimal? Number(object? value) =>
        value is null ? null : Convert.ToDecimal(value, CultureInfo.InvariantCulture);
}
