using FluentValidation;
using IArms.Core;

namespace IArms.Api.Infrastructure;

/// <summary>
/// The character rules of every text field, in one place so that a new field cannot get weaker ones:
/// <see cref="SafeText"/> decides, these name the field and the character in the 400.
/// </summary>
public static class TextRules
{
    /// <summary>An identifier, code, name or reference: no control or format character at all.</summary>
    public static IRuleBuilderOptions<T, string?> SafeIdentifier<T>(this IRuleBuilder<T, string?> rule) => rule.Safe(TextKind.Identifier);

    /// <summary>Notes and messages: line breaks and tabs allowed, every other control or format character refused.</summary>
    public static IRuleBuilderOptions<T, string?> SafeFreeText<T>(this IRuleBuilder<T, string?> rule) => rule.Safe(TextKind.FreeText);

    private static IRuleBuilderOptions<T, string?> Safe<T>(this IRuleBuilder<T, string?> rule, TextKind kind) =>
        rule.Must(text => SafeText.IsSafe(text, kind))
            .WithMessage((_, text) => kind == TextKind.Identifier
                ? $"'{{PropertyName}}' must not contain control or format characters (found {SafeText.DescribeForbidden(text, kind)})."
                : $"'{{PropertyName}}' may break lines and use tabs, but must not contain other control or format characters (found {SafeText.DescribeForbidden(text, kind)}).");
}
