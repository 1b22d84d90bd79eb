using System.Text;

namespace IArms.Core;

/// <summary>
/// Unicode normalisation form C, so that "é" typed as one character and as "e" plus a combining
/// accent is stored and compared as the same text.
/// </summary>
/// <remarks>
/// The platform's normaliser (ICU) does the work. NFC is stable across Unicode versions for assigned
/// characters, so stored text does not move when the host's ICU does. Ill-formed text (a lone surrogate)
/// is returned as it is: it is not text at all, and the validators refuse it by name.
/// </remarks>
public static class Nfc
{
    // Below U+0300 there are no combining marks, and every precomposed letter is already in form C.
    private const char FirstUnstable = '\u0300';

    /// <summary>The text in form C; the same instance when it already is (always so for Latin-1 text).</summary>
    public static string Normalize(string text)
    {
        if (!text.AsSpan().ContainsAnyExceptInRange('\0', (char)(FirstUnstable - 1)))
        {
            return text;
        }
        try
        {
            return text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return text;
        }
    }
}
