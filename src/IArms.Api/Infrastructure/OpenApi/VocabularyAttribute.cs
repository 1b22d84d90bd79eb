using System.Collections;
using System.Reflection;

namespace IArms.Api.Infrastructure.OpenApi;

/// <summary>
/// An ISO 3166-1 alpha-2 country code (or each item of a list of them), checked by <c>Countries.IsValid</c>. Stated as
/// a pattern rather than an enum of some 250 codes, which generated clients would turn into types.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class CountryCodeAttribute : Attribute;

/// <summary>
/// Names the closed vocabulary a string field (or each item of a string list) takes: a static list of words that the
/// field's validator checks against. The contract's <c>enum</c> is read from the same list, so the words live in one
/// place. Put it on the property (<c>[property: Vocabulary(...)]</c> in a positional record) or on a handler parameter.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class VocabularyAttribute(Type owner, string member) : Attribute
{
    public Type Owner { get; } = owner;

    public string Member { get; } = member;

    /// <summary>The words, read from the static field or property named <see cref="Member"/> of <see cref="Owner"/>.</summary>
    public IReadOnlyList<string> Words()
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static;
        var value = Owner.GetField(Member, flags)?.GetValue(null) ?? Owner.GetProperty(Member, flags)?.GetValue(null);
        return value is IEnumerable words and not string
            ? words.Cast<object>().Select(w => w.ToString()!).ToList()
            : throw new InvalidOperationException($"{Owner.Name}.{Member} is not a static list of words.");
    }
}
