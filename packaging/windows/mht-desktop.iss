; Inno Setup script for MHT Desktop on Windows: a per-user installer (no administrator rights
; needed, as on a shared training laptop) with a Start-menu entry, an optional desktop icon
; and an uninstaller. Build the bundle first (packaging\build-bundle in Git Bash), then:
;   iscc /DAppVersion=0.2.0 packaging\windows\mht-desktop.iss
; The installer lands in dist\mht-desktop-<version>-windows-setup.exe.
; Learner data is never touched by install or uninstall: it lives in %LOCALAPPDATA%\mht-desktop.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z packaging\windows\mht-desktop.iss
#endif

[Setup]
AppId={{6B0E6F43-4C1E-4B8A-9C57-0D3D6A2E9F11}
AppName=MHT Desktop
AppVersion={#AppVersion}
AppPublisher=MHT Desktop contributors
DefaultDirName={localappdata}\Programs\MHT Desktop
DefaultGroupName=MHT Desktop
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\..\dist
OutputBaseFilename=mht-desktop-{#AppVersion}-windows-setup
SetupIconFile=..\..\build\icons\mht-desktop.ico
UninstallDisplayIcon={app}\mht-desktop-gui.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesInstallIn64BitMode=x64compatible

[Tasks]
Name: "desktopicon"; Description: "Create a &desktop icon"; GroupDescription: "Additional icons:"; Flags: unchecked

[Files]
; The whole one-folder bundle: mht-desktop-gui.exe (the window), mht-desktop.exe (the
; command line) and _internal\ with Python, Qt and the shipped banks and guide.
Source: "..\..\dist\mht-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\MHT Desktop"; Filename: "{app}\mht-desktop-gui.exe"
Name: "{group}\Uninstall MHT Desktop"; Filename: "{uninstallexe}"
Name: "{autodesktop}\MHT Desktop"; Filename: "{app}\mht-desktop-gui.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\mht-desktop-gui.exe"; Description: "Start MHT Desktop"; Flags: nowait postinstall skipifsilent
