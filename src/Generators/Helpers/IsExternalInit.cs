namespace System.Runtime.CompilerServices;

/// <summary>
/// Lets records and init-only setters compile for netstandard2.0, whose base library lacks this marker type
/// (the compiler only needs the name to exist).
/// </summary>
internal static class IsExternalInit
{
}
