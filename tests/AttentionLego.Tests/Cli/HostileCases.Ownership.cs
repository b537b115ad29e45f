namespace AttentionLego.Tests.Cli;

/// <summary>Hostile cases of issue 16: every run owns its folders: concurrent runs, shared default paths, output races.</summary>
public static partial class HostileCases
{
    public static void Ownership(HostileCatalogueBuilder b)
    {
    }
}
