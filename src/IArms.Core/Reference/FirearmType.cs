namespace IArms.Core.Reference;

/// <summary>One firearm type of the UN/ISACS categories used by records.</summary>
/// <param name="Code">The value stored and sent in the API (kebab-case).</param>
/// <param name="DisplayName">The name shown to people.</param>
/// <param name="Description">One line on what belongs in the category.</param>
public sealed record FirearmType(string Code, string DisplayName, string Description);
